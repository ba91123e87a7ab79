/** Whether `file` (something built from src/ into dist/) exists and is newer than every file under src/. */
export function distFresh(file: string): boolean;
