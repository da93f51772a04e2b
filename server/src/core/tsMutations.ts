// Finds where variables are reassigned or modified (x = ..., x++, x.push(...), delete x.k), so the
// evaluator treats those variables as not constant instead of using their initial values: it never
// runs the statements that would change them.
import ts from 'typescript';

/** Read once: TypeScript exports its enums through getters, which cost a call on each read. */
const SyntaxKind = ts.SyntaxKind;

/** List methods that change the list they are called on. */
const MUTATING_METHODS = new Set(['copyWithin', 'fill', 'pop', 'push', 'reverse', 'shift', 'sort', 'splice', 'unshift']);
/** Object functions that change their first argument. */
const MUTATING_OBJECT_FUNCTIONS = new Set(['assign', 'defineProperties', 'defineProperty', 'setPrototypeOf']);

/**
 * The first modification of each variable, keyed by the node that declares the variable: a
 * function (its parameters), a block or the source file (its declarations). A name that no
 * enclosing node declares counts as declared by the source file.
 */
/** A node that modifies a variable, and the identifier that names the variable. */
export interface Mutation {
  target: ts.Identifier;
  node: ts.Node;
}

export class MutationIndex {
  private readonly byContainer = new Map<ts.Node, Map<string, ts.Node>>();
  private readonly declared = new Map<ts.Node, Set<string>>();

  /**
   * Indexes the modifications that parseModule found with mutationTargets in its walk over every
   * node. The parents of all nodes must be set, because finding a target's declaration reads them.
   */
  constructor(
    private readonly sourceFile: ts.SourceFile,
    mutations: readonly Mutation[],
  ) {
    for (const { target, node } of mutations) this.record(target, node);
  }

  /** Finds the first node that modifies `name` as declared by `container`, if any. */
  find(name: string, container: ts.Node): ts.Node | undefined {
    return this.byContainer.get(container)?.get(name);
  }

  private record(target: ts.Identifier, mutation: ts.Node): void {
    const container = this.declaringContainer(target);
    let names = this.byContainer.get(container);
    if (!names) {
      names = new Map();
      this.byContainer.set(container, names);
    }
    const previous = names.get(target.text);
    if (!previous || mutation.pos < previous.pos) names.set(target.text, mutation);
  }

  private declaringContainer(identifier: ts.Identifier): ts.Node {
    for (let node: ts.Node | undefined = identifier.parent; node; node = node.parent) {
      if (this.declaredNames(node).has(identifier.text)) return node;
    }
    return this.sourceFile;
  }

  private declaredNames(node: ts.Node): Set<string> {
    let names = this.declared.get(node);
    if (names) return names;
    names = new Set<string>();
    const add = (name: ts.BindingName | undefined): void => {
      if (name) for (const text of bindingNames(name)) names?.add(text);
    };
    if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node)) {
      for (const statement of node.statements) {
        if (ts.isVariableStatement(statement)) statement.declarationList.declarations.forEach((declaration) => add(declaration.name));
        else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) {
          add(statement.name);
        } else if (ts.isImportDeclaration(statement)) addImportNames(statement, add);
      }
    } else if (ts.isFunctionLike(node)) {
      for (const parameter of node.parameters) add(parameter.name);
      if (ts.isFunctionExpression(node) && node.name) add(node.name);
    } else if ((ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node)) && node.initializer) {
      if (ts.isVariableDeclarationList(node.initializer)) node.initializer.declarations.forEach((declaration) => add(declaration.name));
    } else if (ts.isCatchClause(node) && node.variableDeclaration) {
      add(node.variableDeclaration.name);
    }
    this.declared.set(node, names);
    return names;
  }
}

export function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const names: string[] = [];
  for (const element of name.elements) {
    if (!ts.isOmittedExpression(element)) names.push(...bindingNames(element.name));
  }
  return names;
}

function addImportNames(declaration: ts.ImportDeclaration, add: (name: ts.Identifier) => void): void {
  const clause = declaration.importClause;
  if (!clause) return;
  if (clause.name) add(clause.name);
  const named = clause.namedBindings;
  if (named && ts.isNamespaceImport(named)) add(named.name);
  if (named && ts.isNamedImports(named)) named.elements.forEach((element) => add(element.name));
}

const NO_TARGETS: readonly ts.Identifier[] = [];

/** The variables that a node modifies: assignment targets, ++/--, delete, mutating method calls. */
export function mutationTargets(node: ts.Node): readonly ts.Identifier[] {
  // Every node of every parsed file passes here, and most are of none of these kinds.
  switch (node.kind) {
    case SyntaxKind.BinaryExpression:
    case SyntaxKind.PrefixUnaryExpression:
    case SyntaxKind.PostfixUnaryExpression:
    case SyntaxKind.DeleteExpression:
    case SyntaxKind.CallExpression:
    case SyntaxKind.ForOfStatement:
    case SyntaxKind.ForInStatement:
      break;
    default:
      return NO_TARGETS;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind >= SyntaxKind.FirstAssignment && node.operatorToken.kind <= SyntaxKind.LastAssignment) {
    if (ts.isObjectLiteralExpression(node.left) || ts.isArrayLiteralExpression(node.left)) return destructuringTargets(node.left);
    return optional(rootIdentifier(node.left));
  }
  if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && isIncrement(node.operator)) {
    return optional(rootIdentifier(node.operand));
  }
  if (ts.isDeleteExpression(node)) return optional(rootIdentifier(node.expression));
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const method = node.expression.name.text;
    if (MUTATING_METHODS.has(method)) return optional(rootIdentifier(node.expression.expression));
    const receiver = node.expression.expression;
    if (ts.isIdentifier(receiver) && receiver.text === 'Object' && MUTATING_OBJECT_FUNCTIONS.has(method) && node.arguments[0]) {
      return optional(rootIdentifier(node.arguments[0]));
    }
  }
  if ((ts.isForOfStatement(node) || ts.isForInStatement(node)) && !ts.isVariableDeclarationList(node.initializer)) {
    return optional(rootIdentifier(node.initializer));
  }
  return NO_TARGETS;
}

function isIncrement(operator: ts.SyntaxKind): boolean {
  return operator === SyntaxKind.PlusPlusToken || operator === SyntaxKind.MinusMinusToken;
}

function optional(identifier: ts.Identifier | undefined): ts.Identifier[] {
  return identifier ? [identifier] : [];
}

/** Finds the variable at the root of an access chain: `a` in `a.b[0].c` and in `(a as T).b`. */
function rootIdentifier(expression: ts.Expression): ts.Identifier | undefined {
  let node: ts.Expression = expression;
  while (
    ts.isPropertyAccessExpression(node) ||
    ts.isElementAccessExpression(node) ||
    ts.isParenthesizedExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isTypeAssertionExpression(node)
  ) {
    node = node.expression;
  }
  return ts.isIdentifier(node) ? node : undefined;
}

/** Collects the variables assigned by a destructuring assignment such as `[a, { b }] = value`. */
function destructuringTargets(pattern: ts.ObjectLiteralExpression | ts.ArrayLiteralExpression): ts.Identifier[] {
  const targets: ts.Identifier[] = [];
  const stack: ts.Node[] = [pattern];
  while (stack.length > 0) {
    const node = stack.pop() as ts.Node;
    if (ts.isShorthandPropertyAssignment(node)) targets.push(node.name);
    else if (ts.isPropertyAssignment(node)) stack.push(node.initializer);
    else if (ts.isSpreadElement(node) || ts.isSpreadAssignment(node)) stack.push(node.expression);
    else if (ts.isObjectLiteralExpression(node)) stack.push(...node.properties);
    else if (ts.isArrayLiteralExpression(node)) stack.push(...node.elements);
    else if (ts.isBinaryExpression(node)) stack.push(node.left);
    else if (ts.isExpression(node)) {
      const root = rootIdentifier(node);
      if (root) targets.push(root);
    }
  }
  return targets;
}
