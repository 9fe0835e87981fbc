// Field rules shared by the slices' request DTOs: strict ISO 8601 instants,
// decimal money strings, currency codes, and text without control characters.
import { BadRequestException, PipeTransform } from '@nestjs/common';
import { IsOptional, ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';
import { isCalendarDate, parseInstant } from '../shop-calendar';
import { amountProblem, isCurrencyCode } from '../money';
import { isKey, textProblem } from '../text';

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
        // The decimals the currency allows are checked with it (parseAmount): the same words for every currency.
        validate: (value: unknown) => typeof value === 'string' && /^\d{1,15}(\.\d{1,12})?$/.test(value),
        defaultMessage: (args) =>
          typeof args?.value === 'string' && args.value.length <= 40
            ? amountProblem(args.property, args.value, 12, 'any currency')
            : `${args?.property} must be a decimal string such as "199.00"`,
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

/** Free text as shops write it (any punctuation or script): non-blank, no control characters other than newline and tab, well-formed Unicode. */
export function IsCleanText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCleanText',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && textProblem(value) === undefined && value.trim().length > 0,
        defaultMessage: (args) => `${args?.property} must be non-blank text without control characters or lone surrogates`,
      },
    },
    options,
  );
}

/** A unit price: a decimal string; up to the currency's minor digits + 4 decimals, checked when it is parsed. */
export function IsUnitPrice(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUnitPrice',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && /^\d{1,12}(\.\d{1,7})?$/.test(value),
        defaultMessage: (args) => `${args?.property} must be a decimal string such as "199.00" or "0.001" (no sign, at most the currency's decimals + 4)`,
      },
    },
    options,
  );
}

/** A path segment that must be a key (see IsKey); anything else is a 400 before the route runs. */
export const keyPipe = (name: string): PipeTransform<string, string> => ({
  transform(value: string) {
    if (!isKey(value)) throw new BadRequestException([`${name} must be 1-128 letters, digits or - _ . : / # @ (no leading or trailing space)`]);
    return value;
  },
});

/** A key-like value: letters, digits and - _ . : / # (order ids, refs, tags). */
export function IsKey(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isKey',
      validator: {
        validate: (value: unknown) => isKey(value),
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

/**
 * The field may be left out, but not sent as null: unlike @IsOptional, null
 * is checked by the field's own rules (and refused by them).
 */
export const Omittable = (): PropertyDecorator => ValidateIf((_, value) => value !== undefined);

/** The query every read accepts: ?waitFor=<position> a write answered. */
export class ReadQuery {
  @IsOptional() @IsPosition() waitFor?: string;
}
