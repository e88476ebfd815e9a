// The Lambda runtime inside one worker thread: loads the handler once (the "init" phase), then runs one
// invocation at a time, like a Lambda execution environment. Plain CommonJS so worker_threads can load it
// without a TypeScript loader. Messages: parent -> {type:'invoke', ...}; worker -> ready | initError |
// result | error. A crash (process.exit, uncaught error, OOM) ends the thread; the pool sees it.
const { parentPort, workerData } = require('node:worker_threads');
const util = require('node:util');

function errorDocument(error) {
  try {
    if (util.types.isNativeError(error) || (error && typeof error === 'object' && 'message' in error)) {
      const stack = typeof error.stack === 'string' ? error.stack : '';
      return {
        errorType: String(error.name ?? 'Error'),
        errorMessage: String(error.message ?? ''),
        trace: stack ? stack.split('\n') : [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

let current;

process.on('unhandledRejection', (reason) => {
  const doc = errorDocument(reason);
  parentPort.postMessage({
    type: 'error',
    id: current?.id,
    fatal: true,
    error: {
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: `${doc.errorType}: ${doc.errorMessage}`,
      trace: doc.trace ?? [],
    },
  });
  process.exit(128);
});

let handler;
try {
  const mod = require(workerData.modulePath);
  handler = mod?.[workerData.exportName];
  if (typeof handler !== 'function') {
    parentPort.postMessage({
      type: 'initError',
      error: {
        errorType: 'Runtime.HandlerNotFound',
        errorMessage: `${workerData.handlerSpec} is undefined or not exported`,
        trace: [],
      },
    });
  } else {
    parentPort.postMessage({ type: 'ready' });
  }
} catch (err) {
  const doc = errorDocument(err);
  parentPort.postMessage({
    type: 'initError',
    error: {
      errorType: 'Runtime.ImportModuleError',
      errorMessage: `Error: ${doc.errorMessage}`,
      trace: doc.trace,
    },
  });
}

function respond(message) {
  if (!current || current.id !== message.id || current.done) return;
  current.done = true;
  parentPort.postMessage(message);
}

parentPort.on('message', (msg) => {
  if (msg.type !== 'invoke') return;
  const id = msg.id;
  current = { id, done: false };
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: msg.context.functionName,
    functionVersion: msg.context.functionVersion,
    invokedFunctionArn: msg.context.invokedFunctionArn,
    memoryLimitInMB: msg.context.memoryLimitInMB,
    awsRequestId: msg.context.awsRequestId,
    logGroupName: msg.context.logGroupName,
    logStreamName: msg.context.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, msg.deadline - Date.now()),
  };
  const succeed = (value) => {
    let payload;
    try {
      payload = JSON.stringify(value === undefined ? null : value);
    } catch (err) {
      respond({ id, type: 'error', error: errorDocument(err) });
      return;
    }
    respond({ id, type: 'result', payload });
  };
  const fail = (err) => respond({ id, type: 'error', error: errorDocument(err) });
  const callback = (err, value) => (err !== undefined && err !== null ? fail(err) : succeed(value));
  try {
    const event = JSON.parse(msg.payload);
    const returned = handler(event, context, callback);
    if (returned && typeof returned.then === 'function') returned.then(succeed, fail);
  } catch (err) {
    fail(err);
  }
});
