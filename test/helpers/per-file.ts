// Runs before each test file. Files share worker processes (vitest `isolate: false`: each file
// importing the app anew cost a second), so process-wide state one file left behind is reset
// here to what a fresh process starts with.
import { forgetLastId } from '../../src/lib/ids.js';
import { setOutboundAllow } from '../../src/lib/outbound/index.js';

// A file that moved its clock years ahead would otherwise make the next file's ids "from the
// future" (newId keeps ids ordered when the clock steps back), and retention, which deletes by id
// time, would keep rows it should delete.
forgetLastId();
// createKeepwatch sets the process-wide allow list from its config; a fresh process has none.
setOutboundAllow([]);
