// A command-line script: embeds the query given on the command line and prints the SQL that finds the nearest song.
// Top-level await; what uses the embedding comes after the call, at the top level too.
import { pipeline } from '@xenova/transformers';

const extractor = await pipeline('feature-extraction', 'Xenova/all-MiniLM-L6-v2');
const query = process.argv[2] ?? 'a song about the sea';

const output = await extractor([query], { pooling: 'mean', normalize: true }); // expect: no-fallback
const embedding = '[' + Array.from(output.data, (v) => v.toFixed(6)).join(',') + ']';
const limit = 5;
console.log(`SELECT song FROM songs ORDER BY cosineDistance(${embedding}, embeds) ASC LIMIT ${limit};`);
