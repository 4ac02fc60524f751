export * from './webdialer';
export * from './click-to-dial';
export * from './phone';
