export * from './ast.js';
export * from './context.js';
export * from './describe.js';
export * from './evaluate.js';
export * from './loop.js';
export * from './sleep.js';
export * from './state.js';
export * from './blocking.js';
