import { birthdaysAround } from './care-due.query';

describe('birthday greetings: the birthdays in the week before and after a date', () => {
  it('given a date, names the date each month-day falls on, across the turn of the year', () => {
    const around = birthdaysAround('2024-12-29');
    expect(around.get('12-22')).toBe('2024-12-22');
    expect(around.get('01-05')).toBe('2025-01-05');
    expect(around.has('01-06')).toBe(false);
    expect(around.size).toBe(15);
  });
  it('given a common year, 29 February is greeted on the 28th; in a leap year on its own day', () => {
    expect(birthdaysAround('2025-03-01').get('02-29')).toBe('2025-02-28');
    expect(birthdaysAround('2024-03-01').get('02-29')).toBe('2024-02-29');
    expect(birthdaysAround('2024-03-01').get('02-28')).toBe('2024-02-28');
  });
});
