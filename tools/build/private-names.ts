// Property renaming for firmware bundles. esbuild's minifier renames locals but keeps every
// property name, and the engine is full of long, descriptive `private` member names
// (`this.consecutiveFailures`, `this.requestedExpires`, …) that cost bytes on every use. Those
// names are not API: TypeScript forbids touching them from outside their class (`protected`
// ones: outside their class and its subclasses). So the build lists the names declared `private`
// or `protected` in the project's own sources and hands them to esbuild's `mangleProps`, which
// renames a name everywhere in the bundle at once.
//
// A name is only renamed when nothing else could refer to it by that name: it must never be
// declared public anywhere in the project (class member, interface or object-literal key), nor
// appear as a member in TypeScript's standard library declarations or in the bundled
// dependencies' declarations (ts-results, io-ts, fp-ts), because such a name may be read by
// code outside the bundle (a host object, a typed array, JSON). Quoted accesses (`o['name']`)
// are never renamed by esbuild, which is why the project never reaches a private member that way.
//
// TypeScript (a dev dependency) does the parsing; without it the build simply does not rename.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

type Ts = typeof import('typescript');
type Node = import('typescript').Node;

const SOURCE_FOLDERS = ['core', 'platform', 'tools', 'boards'];
const DEPENDENCY_DECLARATIONS = ['node_modules/ts-results', 'node_modules/io-ts', 'node_modules/fp-ts'];

function filesUnder(dir: string, suffix: string, out: string[] = []): string[] {
  let names: string[];
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) filesUnder(path, suffix, out);
    else if (path.endsWith(suffix)) out.push(path);
  }
  return out;
}

/** Member-like names declared anywhere in these declaration files (`name:`, `name?:`, `name(`). */
function declaredMembers(files: readonly string[], into: Set<string>): void {
  const member = /\b([A-Za-z_$][\w$]*)\??\s*[:(<]/g;
  for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(member)) into.add(m[1]!);
}

function classify(ts: Ts, file: string, privateNames: Set<string>, publicNames: Set<string>): void {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const isPrivate = (n: Node): boolean => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
  const visit = (n: Node): void => {
    const named = n as Node & { name?: Node };
    const name = named.name !== undefined && ts.isIdentifier(named.name) ? named.name.text : null;
    if (name !== null) {
      if (ts.isPropertyDeclaration(n) || ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n)) {
        (isPrivate(n) && ts.isClassLike(n.parent) ? privateNames : publicNames).add(name);
      } else if (ts.isParameter(n) && ts.isConstructorDeclaration(n.parent)) {
        if (isPrivate(n)) privateNames.add(name);
        else if (ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).length > 0) publicNames.add(name);
      } else if (ts.isPropertySignature(n) || ts.isMethodSignature(n) || ts.isPropertyAssignment(n)) {
        publicNames.add(name);
      }
    }
    if (ts.isShorthandPropertyAssignment(n)) publicNames.add(n.name.text);
    // Destructuring reads properties by name, and a string ('name' in o, o['name']) may name
    // one: esbuild leaves quoted names alone, so such a name must not be renamed elsewhere.
    if (ts.isBindingElement(n)) {
      const key = n.propertyName ?? n.name;
      if (ts.isIdentifier(key)) publicNames.add(key.text);
    }
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) publicNames.add(n.text);
    // `other.name` on anything but `this` may be a host object or parsed JSON that the type
    // system cannot see through (`any`, globals): such a name is kept, whoever declares it.
    if (ts.isPropertyAccessExpression(n) && n.expression.kind !== ts.SyntaxKind.ThisKeyword && ts.isIdentifier(n.name)) publicNames.add(n.name.text);
    ts.forEachChild(n, visit);
  };
  visit(source);
}

/** The private member names safe to rename, or null when TypeScript is not installed. */
export async function renamablePrivateNames(root: string): Promise<string[] | null> {
  let ts: Ts;
  try {
    const mod = await import('typescript');
    ts = ((mod as { default?: Ts }).default ?? mod) as Ts;
  } catch {
    return null;
  }
  const privateNames = new Set<string>();
  const publicNames = new Set<string>();
  for (const folder of SOURCE_FOLDERS) {
    for (const file of filesUnder(join(root, folder), '.ts')) {
      if (!file.endsWith('.d.ts')) classify(ts, file, privateNames, publicNames);
    }
  }
  const outside = new Set<string>();
  const libDir = join(root, 'node_modules/typescript/lib');
  declaredMembers(filesUnder(libDir, '.d.ts').filter((f) => /\/lib\.[^/]*\.d\.ts$/.test(f)), outside);
  for (const dep of DEPENDENCY_DECLARATIONS) declaredMembers(filesUnder(join(root, dep), '.d.ts'), outside);
  return [...privateNames].filter((n) => !publicNames.has(n) && !outside.has(n)).sort();
}

/** esbuild's `mangleProps` pattern for these names (anchored: whole names only). */
export function manglePattern(names: readonly string[]): RegExp | undefined {
  return names.length === 0 ? undefined : new RegExp(`^(?:${names.join('|')})$`);
}
