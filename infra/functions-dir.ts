import { join } from 'node:path';

/** The handlers' folder (functions/): the entries of every function the stack deploys are below it. */
export const FUNCTIONS_DIR = join(__dirname, '..', 'functions');
