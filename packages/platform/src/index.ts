export * from './config.ts'
export * from './db.ts'
export * from './logger.ts'
export * from './money.ts'
