// A pool program that will not end on SIGTERM: it says so once its handler is in place, then waits forever.
process.on('SIGTERM', () => undefined);
process.parentPort.postMessage({ type: 'ready', pid: process.pid });
setInterval(() => undefined, 60_000);
