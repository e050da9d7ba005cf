export * from './actions';
export * from './labels';
export * from './lookup-limits';
export * from './model';
export * from './public-status';
export * from './report';
export * from './roster';
export * from './rules';
