// TEMPORARY stub (the lead's): replaced by the real module resolution.
import type { FunctionNode } from '../ast.js';
import type { FileContext } from '../context.js';
export function moduleContext(_ctx: FileContext, _specifier: string): FileContext | null { return null; }
export function exportedFunction(_m: FileContext, _name: string): { fn: FunctionNode; ctx: FileContext } | null { return null; }
