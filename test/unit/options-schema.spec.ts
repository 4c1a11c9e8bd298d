import { Type } from 'class-transformer';
import { IsEmail, IsInt, Matches, Min, ValidateBy, ValidateNested } from 'class-validator';
import { OptionsSchema, optionsSchema } from '../../src/tasks/options-schema.js';

const IsEven = (): PropertyDecorator =>
  ValidateBy({ name: 'isEven', validator: { validate: (v: unknown) => v === 2 } });

class WithEmail {
  @IsEmail()
  to: string;
}

class WithCheckOfItsOwn {
  @IsEven()
  n: number;
}

class Described {
  @IsInt()
  @IsEven()
  @OptionsSchema({ multipleOf: 2 })
  n: number;
}

class Inner {
  @Min(1)
  size: number = 1;
}

class Untyped {
  @ValidateNested()
  inner: Inner;
}

class Typed {
  @ValidateNested()
  @Type(() => Inner)
  inner: Inner;
}

class CaseBlind {
  @Matches(/^a$/i)
  letter: string;
}

describe('optionsSchema', () => {
  it('is a closed empty object for a type without options', () => {
    expect(optionsSchema(undefined)).toEqual({
      type: 'object',
      properties: {},
      additionalProperties: false,
    });
  });

  it('refuses a check it has no JSON Schema form for, naming it', () => {
    expect(() => optionsSchema(WithEmail)).toThrow('WithEmail.to: the check isEmail has no');
    expect(() => optionsSchema(WithCheckOfItsOwn)).toThrow(
      'WithCheckOfItsOwn.n: the check isEven has no JSON Schema form; describe it with @OptionsSchema()',
    );
  });

  it('takes the schema of a check of its own from @OptionsSchema', () => {
    expect(optionsSchema(Described)).toEqual({
      type: 'object',
      properties: { n: { type: 'integer', multipleOf: 2 } },
      required: ['n'],
      additionalProperties: false,
    });
  });

  it('describes a nested class given by @Type, and needs that @Type', () => {
    expect(() => optionsSchema(Untyped)).toThrow('Untyped.inner: @ValidateNested() needs @Type');
    expect(optionsSchema(Typed).properties).toEqual({
      inner: {
        type: 'object',
        properties: { size: { type: 'number', minimum: 1, default: 1 } },
        additionalProperties: false,
      },
    });
  });

  it('refuses a pattern whose flags JSON Schema cannot carry', () => {
    expect(() => optionsSchema(CaseBlind)).toThrow('has flags (i)');
  });
});
