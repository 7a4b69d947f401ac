// TEMPORARY stub (the lead's): replaced by the researched table.
export const POLLING_PACKAGES: ReadonlyMap<string, { exports: ReadonlySet<string>; predicateIndex: number; intervalKeys: readonly string[]; positional?: number; defaultMs: number; awaitsPredicate: boolean; member?: string }> = new Map([
  ['p-wait-for', { exports: new Set(['default']), predicateIndex: 0, intervalKeys: ['interval'], defaultMs: 20, awaitsPredicate: true }],
  ['async-wait-until', { exports: new Set(['default', 'waitUntil']), predicateIndex: 0, intervalKeys: ['intervalBetweenAttempts'], defaultMs: 50, positional: 2, awaitsPredicate: true }],
]);
