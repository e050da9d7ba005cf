export * from './households';
