export * from './multipart.js';
