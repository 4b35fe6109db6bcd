// The worker entry of the sharded replay: a tokenizer worker (tokens/worker.ts)
// that also runs shards (shard.ts), so a shard's text never leaves the process
// that read it.
import { runWorker } from '../tokens/worker.js';
import { runShard, type ShardTask } from './shard.js';

runWorker((task, tokenizer) => runShard(task as ShardTask, tokenizer));
