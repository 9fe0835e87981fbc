// Field rules shared by the slices' request DTOs: strict ISO 8601 instants,
// decimal money strings, currency codes, and text without control characters.
import { ValidateBy, ValidationOptions } from 'class-validator';
import { isCalendarDate, parseInstant } from '../shop-calendar';
import { isCurrencyCode } from '../money';

export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseInstant(value) !== undefined,
        defaultMessage: (args) => `${args?.property} must be an ISO 8601 date-time with an offset, e.g. 2024-05-31T10:00:00+08:00`,
      },
    },
    options,
  );
}

export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value),
        defaultMessage: (args) => `${args?.property} must be a calendar date YYYY-MM-DD`,
      },
    },
    options,
  );
}

/** A non-negative decimal string; the currency's minor digits are checked when the amount is parsed. */
export function IsDecimalAmount(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDecimalAmount',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && /^\d{1,15}(\.\d{1,3})?$/.test(value),
        defaultMessage: (args) => `${args?.property} must be a decimal string such as "199.00" (no sign, at most 3 decimals)`,
      },
    },
    options,
  );
}

export function IsCurrencyCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCurrencyCode',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCurrencyCode(value),
        defaultMessage: (args) => `${args?.property} must be an ISO 4217 currency code such as CNY`,
      },
    },
    options,
  );
}

/** Printable text: no control characters (U+0000 included) other than newline and tab. */
export function IsCleanText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCleanText',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value) && value.trim().length > 0,
        defaultMessage: (args) => `${args?.property} must be non-blank text without control characters`,
      },
    },
    options,
  );
}

/** A key-like value: letters, digits and - _ . : / # (order ids, SKUs, refs, tags). */
export function IsKey(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isKey',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && /^[\p{L}\p{N}][\p{L}\p{N}\-_.:/#@ ]{0,127}$/u.test(value) && !/\s$/.test(value),
        defaultMessage: (args) => `${args?.property} must be 1-128 letters, digits or - _ . : / # @ (no leading or trailing space)`,
      },
    },
    options,
  );
}

/** A global position a write answered (`?waitFor=`): digits only. */
export function IsPosition(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPosition',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && /^\d{1,15}$/.test(value),
        defaultMessage: (args) => `${args?.property} must be a global position`,
      },
    },
    options,
  );
}
