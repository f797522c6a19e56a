import { createMemoryStore } from '../../src/store/memory/memory-store.ts';
import { storeContract } from '../../src/store/contract.ts';

storeContract('memory', async () => createMemoryStore());
