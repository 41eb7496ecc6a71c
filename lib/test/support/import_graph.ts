// The import graph of a TypeScript source tree and its circles, for the test that keeps
// lib/src free of them. Type-only imports count: a circle of types is still two files
// that cannot be read, moved or tested one without the other.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** file (relative to the root, "/"-separated) -> the files of the tree it imports. */
export type ImportGraph = Map<string, Set<string>>;

function sourceFiles(root: string, dir = root): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(root, full));
    else if (entry.name.endsWith(".ts")) found.push(path.relative(root, full).split(path.sep).join("/"));
  }
  return found.sort();
}

/** The file a relative specifier names (x.ts, x.d.ts or x/index.ts), or null when it leaves the tree. */
function resolve(files: Set<string>, from: string, specifier: string): string | null {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, `${base}.d.ts`, `${base}/index.ts`]) {
    if (files.has(candidate)) return candidate;
  }
  return null;
}

/** The module names a file imports: import/export-from declarations (`export * as` too), require(), import() and import("x").T types. */
function specifiers(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const literal = (node: ts.Node | undefined): void => {
    if (node !== undefined && ts.isStringLiteralLike(node)) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) literal(node.moduleReference.expression);
    else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))
    )
      literal(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every import between the .ts files under root (type-only ones included). */
export function importGraph(root: string): ImportGraph {
  const list = sourceFiles(root);
  const files = new Set(list);
  const graph: ImportGraph = new Map();
  for (const file of list) {
    const targets = new Set<string>();
    for (const specifier of specifiers(file, fs.readFileSync(path.join(root, file), "utf8"))) {
      if (!specifier.startsWith(".")) continue;
      const target = resolve(files, file, specifier);
      if (target === null) throw new Error(`${file}: import "${specifier}" names no file of the tree`);
      targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/**
 * The graph with each file replaced by its folder (files at the root stay themselves),
 * cut `depth` folders deep: depth 1 makes lib/src/kernels/backends/wasm.ts "kernels".
 */
export function folderGraph(graph: ImportGraph, depth: number): ImportGraph {
  const folderOf = (file: string): string => {
    const parts = file.split("/");
    return parts.length === 1 ? file : `${parts.slice(0, Math.min(depth, parts.length - 1)).join("/")}/`;
  };
  const folders: ImportGraph = new Map();
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    const edges = folders.get(from) ?? new Set<string>();
    folders.set(from, edges);
    for (const target of targets) if (folderOf(target) !== from) edges.add(folderOf(target));
  }
  return folders;
}

/** The circles of a graph: its strongly connected components of two nodes or more (Tarjan), each sorted. */
export function circles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}
