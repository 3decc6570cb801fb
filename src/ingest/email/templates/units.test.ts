import { describe, expect, it } from 'vitest';
import { keyValues, parseDuration, parseNumber, parseSize, parseTime, timeOnDayOf } from './units.js';

type Parse = (text: string | null) => number | null;

/** One test a [text, value] case: `parse` reads the text as the value. */
const readsEach = (parse: Parse, cases: Array<[string, number]>) =>
  it.each(cases)('reads %s', (text, value) => {
    expect(parse(text)).toBe(value);
  });

/** One test a text that `parse` answers null for. */
const nullFor = (parse: Parse, texts: Array<string | null>) =>
  it.each(texts)('answers null for %s', (text) => {
    expect(parse(text)).toBeNull();
  });

describe('parseSize', () => {
  readsEach(parseSize, [
    ['12,345 bytes', 12_345],
    ['13919', 13_919],
    ['2.5 GB', 2_500_000_000],
    ['1.1 GiB', Math.round(1.1 * 1024 ** 3)],
    ['512.0 MB', 512_000_000],
    ['312.77 kB', 312_770],
    ['329.337 MiB (121.345 MiB stored)', Math.round(329.337 * 1024 ** 2)],
    ['0.00MB', 0],
    ['1,234,567 (1.234 MB)', 1_234_567],
    ['2,5 GB', 2_500_000_000],
    ['1 234 567 bytes', 1_234_567],
    ['3 TB', 3e12],
    ['10 Ko', 10_000],
  ]);

  it('reads SI letters as powers of 1024 when the product means them so', () => {
    expect(parseSize('2.0 GB', { siLetters: 'binary' })).toBe(2 * 1024 ** 3);
    expect(parseSize('1.5 GiB', { siLetters: 'decimal' })).toBe(Math.round(1.5 * 1024 ** 3));
  });

  nullFor(parseSize, [null, '', 'n/a', 'five GB', '5 k']);
});

describe('parseNumber', () => {
  it('tells thousands separators from a decimal comma', () => {
    expect(parseNumber('12,345')).toBe(12_345);
    expect(parseNumber('2,5')).toBe(2.5);
    expect(parseNumber('1 000')).toBe(1000);
    expect(parseNumber('abc')).toBeNull();
  });
});

describe('parseDuration', () => {
  readsEach(parseDuration, [
    ['0:12:31', 751_000],
    ['00:05:12', 312_000],
    ['1:02:03', 3_723_000],
    ['0:02', 2_000],
    ['00:00:00.2339903', 234],
    ['1.02:03:04.5', 93_784_500],
    ['1h 2m', 3_720_000],
    ['12.5s', 12_500],
    ['0.29 seconds', 290],
    ['2 min 5 sec', 125_000],
    ['1 hour and 5 minutes', 3_900_000],
  ]);
  nullFor(parseDuration, [null, '', 'soon', '5 parsecs', '1:2:3:4:5']);
});

describe('parseTime', () => {
  // The same moment in many of the forms products write it.
  const march4 = Date.UTC(2024, 2, 4, 22, 0, 5);
  readsEach(parseTime, [
    ['2024-03-04T22:00:05Z', march4],
    ['2024-03-04T22:00:05.250+01:00', Date.UTC(2024, 2, 4, 21, 0, 5, 250)],
    ['2024-03-04 22:00:05', march4],
    ['Wed, 2020-12-02 08:14:41', Date.UTC(2020, 11, 2, 8, 14, 41)],
    ['06-Mar-2024 23:05:01', Date.UTC(2024, 2, 6, 23, 5, 1)],
    ['1/8/2018 10:09:16 PM', Date.UTC(2018, 0, 8, 22, 9, 16)],
    ['2/16/2019 12:23:50 AM (1550384630)', Date.UTC(2019, 1, 16, 0, 23, 50)],
    ['16/2/2019 22:23:50', Date.UTC(2019, 1, 16, 22, 23, 50)],
    ['04.03.2024 22:00:05', march4],
    ['Monday, 4 March 2024 22:00:05', march4],
    ['March 4, 2024 10:00:05 PM', march4],
    ['Mon, 04 Mar 2024 22:31:07 -0800', Date.UTC(2024, 2, 5, 6, 31, 7)],
    ['2019-02-16 23:15:11 -08', Date.UTC(2019, 1, 17, 7, 15, 11)],
    ['2024-03-04 22:00:05 UTC', march4],
    ['2024-03-04', Date.UTC(2024, 2, 4)],
  ]);

  it('reads a time without a zone as UTC unless told another offset', () => {
    expect(parseTime('2024-03-04 22:00:05', { defaultOffsetMinutes: 60 })).toBe(Date.UTC(2024, 2, 4, 21, 0, 5));
  });

  it('reads slash dates day-first when told so', () => {
    expect(parseTime('3/4/2024 10:00', { slashOrder: 'dmy' })).toBe(Date.UTC(2024, 3, 3, 10, 0));
  });

  nullFor(parseTime, [null, '', 'yesterday', '2024-02-30 10:00', '2024-03-04 25:00', '2024-03-04 10:00 CEST']);
});

describe('timeOnDayOf', () => {
  const base = Date.UTC(2024, 2, 4, 22, 0, 5);
  it('places a clock time on the base day, and on the next day when it wrapped past midnight', () => {
    expect(timeOnDayOf('22:14:40', base)).toBe(Date.UTC(2024, 2, 4, 22, 14, 40));
    expect(timeOnDayOf('0:03:10', base)).toBe(Date.UTC(2024, 2, 5, 0, 3, 10));
    expect(timeOnDayOf('10:14:40 PM', base)).toBe(Date.UTC(2024, 2, 4, 22, 14, 40));
  });

  it('reads a full date-time as it is, and answers null without a base', () => {
    expect(timeOnDayOf('2024-03-05 01:00:00', base)).toBe(Date.UTC(2024, 2, 5, 1));
    expect(timeOnDayOf('22:00:00', null)).toBeNull();
  });
});

describe('keyValues', () => {
  it('maps key: value lines with normalised keys, first occurrence winning', () => {
    const kv = keyValues('  Job:   nightly.2024\nSD Bytes Written:  1,024 (1 KB)\nTime (start): Wed\njob: again\nnot a pair');
    expect(kv.get('job')).toBe('nightly.2024');
    expect(kv.get('sd bytes written')).toBe('1,024 (1 KB)');
    expect(kv.get('time (start)')).toBe('Wed');
    expect(kv.size).toBe(3);
  });
});
