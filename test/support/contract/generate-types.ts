import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import ts from 'typescript';

/**
 * The document as TypeScript (`paths`, `operations`, `components`), as openapi-typescript writes
 * it for any user, with two changes: a binary string is `Blob | string`, so a form's file part
 * takes a File while a download still reads as text; and a member with a default stays optional.
 */
export async function generateTypes(document: object): Promise<string> {
  const binary = ts.factory.createUnionTypeNode([
    ts.factory.createTypeReferenceNode('Blob'),
    ts.factory.createKeywordTypeNode(ts.SyntaxKind.StringKeyword),
  ]);
  const nodes = await openapiTS(document as OpenAPI3, {
    silent: true,
    // A member with a default may be left out of a request (CreateApiKey's role), so it stays
    // optional; openapi-typescript would make it required, as answers always carry it.
    defaultNonNullable: false,
    transform: (schema) => (schema.format === 'binary' ? binary : undefined),
  });
  return astToString(nodes);
}
