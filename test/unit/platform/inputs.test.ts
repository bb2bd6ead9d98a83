import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseList } from '../../../src/core/util/list.ts';
import type { ActionDefinition } from '../../../src/definition.ts';
import { parseInputs } from '../../../src/inputs.ts';
import { Redactor } from '../../../src/platform/platform.ts';

const definition = {
  name: 't',
  title: 't',
  description: 't',
  branding: { icon: 'x', color: 'blue' },
  inputs: {
    name: { description: '', required: true },
    mode: { description: '', options: ['a', 'b'], default: 'a' },
    flag: { description: '', type: 'boolean', default: true },
    count: { description: '', type: 'number', default: 5 },
    items: { description: '', type: 'list', default: 'x,y' },
    lines: { description: '', type: 'list', multiline: true, default: '' },
    secret: { description: '', secret: true, default: '' },
  },
  outputs: {},
} as const satisfies ActionDefinition;

const parse = (values: Record<string, string>, masked: string[] = []) =>
  parseInputs(
    definition,
    (n) => values[n],
    (v) => masked.push(v),
  );

describe('parseInputs', () => {
  it('applies defaults and types', () => {
    expect(parse({ name: ' app ' })).toEqual({
      name: 'app',
      mode: 'a',
      flag: true,
      count: 5,
      items: ['x', 'y'],
      lines: [],
      secret: '',
    });
  });

  it('types each input by its spec: an options input is the union of its options', () => {
    const inputs = parse({ name: 'x', mode: 'b' });
    expect(inputs.mode).toBe('b');
    // Checked by the type-check (npm run typecheck), which runs over the tests.
    expectTypeOf(inputs.mode).toEqualTypeOf<'a' | 'b'>();
    expectTypeOf(inputs.name).toEqualTypeOf<string>();
    expectTypeOf(inputs.flag).toEqualTypeOf<boolean>();
    expectTypeOf(inputs.count).toEqualTypeOf<number>();
    expectTypeOf(inputs.items).toEqualTypeOf<string[]>();
  });

  it.each([
    [{}, "Input 'name': is required"],
    [{ name: 'x', mode: 'c' }, "Input 'mode': must be one of a, b (got 'c')"],
    [{ name: 'x', flag: 'yes' }, "Input 'flag': must be true or false (got 'yes')"],
    [{ name: 'x', count: 'five' }, "Input 'count': must be a number (got 'five')"],
  ])('rejects %j', (values, message) => {
    expect(() => parse(values)).toThrow(message);
  });

  it('accepts the boolean spellings @actions/core accepts', () => {
    for (const text of ['true', 'True', 'TRUE']) expect(parse({ name: 'x', flag: text }).flag).toBe(true);
    for (const text of ['false', 'False', 'FALSE']) expect(parse({ name: 'x', flag: text }).flag).toBe(false);
  });

  it('masks secrets before anything else looks at them', () => {
    const masked: string[] = [];
    parse({ name: 'x', secret: 's3cr3t-value' }, masked);
    expect(masked).toEqual(['s3cr3t-value']);
  });
});

describe('parseList', () => {
  it.each([
    ['a,b\nc', false, ['a', 'b', 'c']],
    ['type=raw,value=x\n\n type=sha ', true, ['type=raw,value=x', 'type=sha']],
    ['# comment\nx', true, ['x']],
  ])('%j', (text, multiline, expected) => {
    expect(parseList(text, multiline)).toEqual(expected);
  });
});

describe('Redactor', () => {
  it('hides every registered secret and each line of a multi-line one', () => {
    const redactor = new Redactor();
    redactor.add('hunter2-password');
    redactor.add('line-one-secret\nline-two-secret');
    expect(redactor.redact('pw=hunter2-password l1=line-one-secret l2=line-two-secret')).toBe(
      'pw=*** l1=*** l2=***',
    );
  });
});
