export * from './bank';
export * from './csv';
export * from './disclosure';
export * from './money';
export * from './plan';
export * from './reconcile';
export * from './release';
export * from './sources';
