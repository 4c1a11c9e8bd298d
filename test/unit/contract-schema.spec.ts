import { SchemaValidator } from '../support/contract/schema-validator.js';

const document = {
  components: {
    schemas: {
      Task: {
        type: 'object',
        required: ['id', 'progress'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          progress: { nullable: true, allOf: [{ $ref: '#/components/schemas/Progress' }] },
          options: { type: 'object', additionalProperties: true },
        },
      },
      Progress: { type: 'object', properties: { percent: { type: 'number' } } },
      Detail: {
        allOf: [
          { $ref: '#/components/schemas/Task' },
          {
            type: 'object',
            properties: { artifacts: { type: 'array', items: { type: 'string' } } },
          },
        ],
      },
    },
  },
};
const ID = '0b6f3c52-8a5e-4c8e-9d27-4f1f6a0e2a11';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe('the contract reading of response schemas', () => {
  const validator = new SchemaValidator(document);

  it('accepts a body as documented, null where nullable, members where open', () => {
    expect(validator.errors(ref('Task'), { id: ID, progress: null, options: { a: 1 } })).toEqual(
      [],
    );
    expect(validator.errors(ref('Task'), { id: ID, progress: { percent: 5 } })).toEqual([]);
  });

  it('refuses a member the document does not name, at any depth', () => {
    expect(validator.errors(ref('Task'), { id: ID, progress: null, colour: 'red' })).toEqual([
      '$.colour: not in the schema',
    ]);
    expect(validator.errors(ref('Task'), { id: ID, progress: { percent: 5, eta: 3 } })).toContain(
      '$.progress.eta: not in the schema',
    );
  });

  it('refuses a missing required member, a wrong type and a bad format', () => {
    expect(validator.errors(ref('Task'), { id: 'x', progress: 'half' })).toEqual(
      expect.arrayContaining(['$.id: must match format "uuid"']),
    );
    expect(validator.errors(ref('Task'), { progress: null })).toEqual([
      "$: must have required property 'id'",
    ]);
  });

  it('reads the members of every part of an allOf as one closed object', () => {
    const detail = { id: ID, progress: null, artifacts: ['rejects.csv'] };
    expect(validator.errors(ref('Detail'), detail)).toEqual([]);
    expect(validator.errors(ref('Detail'), { ...detail, extra: 1 })).toEqual([
      '$.extra: not in the schema',
    ]);
  });
});
