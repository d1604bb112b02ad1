import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isObjectType,
} from 'graphql';
import { inputValue, type Known, type Random } from './fuzz-values';

export type OperationKind = 'query' | 'mutation' | 'subscription';

export interface FuzzOperation {
  kind: OperationKind;
  field: string;
  query: string;
  variables: Record<string, unknown>;
}

/** Every root field of the schema, with its kind. */
export function rootFields(schema: GraphQLSchema): { kind: OperationKind; field: GraphQLField<unknown, unknown> }[] {
  const roots: [OperationKind, ReturnType<GraphQLSchema['getQueryType']>][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  return roots.flatMap(([kind, type]) => Object.values(type?.getFields() ?? {}).map((field) => ({ kind, field })));
}

/** A GraphQL literal for a value, as a client would write it inline; enum values bare. */
function literal(value: unknown, type: GraphQLInputType): string {
  if (value === null || value === undefined) return 'null';
  const inner = getNullableType(type) as GraphQLInputType;
  if (Array.isArray(value)) {
    const item = isListType(inner) ? (inner.ofType as GraphQLInputType) : inner;
    return `[${value.map((v) => literal(v, item)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    const fields = isInputObjectType(inner) ? inner.getFields() : {};
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([key, v]) =>
        `${/^[_A-Za-z]\w*$/.test(key) ? key : JSON.stringify(key)}: ${literal(v, fields[key]?.type ?? inner)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  if (typeof value === 'string') return isEnumType(inner) && /^\w+$/.test(value) ? value : JSON.stringify(value);
  return String(value);
}

interface Builder {
  r: Random;
  known: Known;
  inline: boolean;
  /** Values of the wrong type too (an operation in seven or so). */
  mistakes: boolean;
  definitions: string[];
  variables: Record<string, unknown>;
}

function argumentsOf(args: readonly GraphQLArgument[], b: Builder): string {
  const parts: string[] = [];
  for (const arg of args) {
    if (b.mistakes && b.r.next() < 0.2) continue; // missing, required or not
    const value = inputValue(arg.type, b.r, b.known, b.mistakes);
    if (value === undefined) continue;
    if (b.inline) {
      parts.push(`${arg.name}: ${literal(value, arg.type)}`);
    } else {
      const name = `v${b.definitions.length}`;
      b.definitions.push(`$${name}: ${arg.type.toString()}`);
      b.variables[name] = value;
      parts.push(`${arg.name}: $${name}`);
    }
  }
  return parts.length ? `(${parts.join(', ')})` : '';
}

/** Every field of the type, `depth` levels down (objects past it are left out), with arguments where fields take them. */
function selection(type: GraphQLOutputType, depth: number, b: Builder): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  const fields = Object.values(named.getFields())
    .map((field) => {
      const inner = isObjectType(getNamedType(field.type)) ? selection(field.type, depth - 1, b) : '';
      if (isObjectType(getNamedType(field.type)) && !inner) return '';
      return `${field.name}${argumentsOf(field.args, b)}${inner}`;
    })
    .filter(Boolean);
  return depth > 0 && fields.length ? ` { ${fields.join(' ')} }` : '';
}

/** One operation on one root field, with fresh boundary values in every argument. */
export function buildOperation(
  kind: OperationKind,
  field: GraphQLField<unknown, unknown>,
  r: Random,
  known: Known,
): FuzzOperation {
  const b: Builder = { r, known, inline: r.next() < 0.2, mistakes: r.next() < 0.15, definitions: [], variables: {} };
  const args = argumentsOf(field.args, b);
  const inner = selection(field.type, 3, b);
  const head = b.definitions.length ? `${kind} Fuzz(${b.definitions.join(', ')})` : kind;
  return { kind, field: field.name, query: `${head} { ${field.name}${args}${inner} }`, variables: b.variables };
}
