import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import ts from 'typescript';

/**
 * The document as TypeScript (`paths`, `operations`, `components`), as openapi-typescript writes
 * it for any user. One change: a binary string is `Blob | string`, so a form's file part takes a
 * File while a download still reads as text.
 */
export async function generateTypes(document: object): Promise<string> {
  const binary = ts.factory.createUnionTypeNode([
    ts.factory.createTypeReferenceNode('Blob'),
    ts.factory.createKeywordTypeNode(ts.SyntaxKind.StringKeyword),
  ]);
  const nodes = await openapiTS(document as OpenAPI3, {
    silent: true,
    transform: (schema) => (schema.format === 'binary' ? binary : undefined),
  });
  return astToString(nodes);
}
