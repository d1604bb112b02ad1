import { getMetadataStorage } from 'type-graphql';

/**
 * "Type.field" for every @FieldResolver: fields that run code of their own (a loader, a query, a token)
 * rather than reading a property of their parent. Call after buildParleySchema (it fills the metadata).
 */
export function resolverFields(): Set<string> {
  const storage = getMetadataStorage();
  const names = new Set<string>();
  for (const field of storage.fieldResolvers) {
    const target = field.resolverClassMetadata?.getObjectType?.() ?? field.getObjectType?.();
    const type = storage.objectTypes.find((objectType) => objectType.target === target);
    if (type) names.add(`${type.name}.${field.schemaName}`);
  }
  return names;
}
