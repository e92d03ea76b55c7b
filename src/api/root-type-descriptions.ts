import { DocumentNode, Kind, visit } from 'graphql';

/** type-graphql cannot describe the root operation types, so their descriptions are added to the SDL it printed. */
const ROOT_TYPE_DESCRIPTIONS: Record<string, string> = {
  Query: "Reads of the caller's brand's customers. Every query needs the customer:read scope.",
  Mutation:
    "Changes to the caller's brand's customers. Expected failures come back as `userErrors` in the payload, and nothing is written then.",
};

export function describeRootTypes(document: DocumentNode): DocumentNode {
  return visit(document, {
    ObjectTypeDefinition(node) {
      const description = ROOT_TYPE_DESCRIPTIONS[node.name.value];
      if (description === undefined || node.description) return undefined;
      return { ...node, description: { kind: Kind.STRING, value: description, block: true } };
    },
  });
}
