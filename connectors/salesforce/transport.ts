/**
 * jsforce's HTTP, made abandonable. jsforce sends every request through undici's fetch with a
 * dispatcher of its own (`setDispatcher`, one per process: only the Salesforce connector uses
 * jsforce). Baton's is jsforce's default agent with an interceptor that aborts a request whose
 * guarded call was abandoned at its deadline (`src/platform/deadline.ts`), so undici destroys the
 * socket instead of leaving it open until its own 300 s timeouts. It is installed when this
 * module loads, so a test that routes jsforce elsewhere afterwards (the sandbox's fetch bridge)
 * keeps its own.
 */
import { setDispatcher } from 'jsforce/lib/request.js';
import { Agent, type Dispatcher } from 'undici';
import { onAbandon } from '../../src/platform/deadline.ts';

/** Aborts a request whose guarded call is abandoned, before or after it started. */
const abandonable: Dispatcher.DispatchInterceptor = (dispatch) => (opts, handler) => {
  let controller: Dispatcher.DispatchController | undefined;
  let abandoned: Error | undefined;
  onAbandon((err) => {
    abandoned = err;
    if (controller && !controller.aborted) controller.abort(err);
  });
  const forward: Dispatcher.DispatchHandler = {
    onRequestStart(c, context) {
      controller = c;
      handler.onRequestStart?.(c, context);
      if (abandoned && !c.aborted) c.abort(abandoned);
    },
    onRequestUpgrade: (c, status, headers, socket) => handler.onRequestUpgrade?.(c, status, headers, socket),
    onResponseStart: (c, status, headers, message) => handler.onResponseStart?.(c, status, headers, message),
    onResponseData: (c, chunk) => handler.onResponseData?.(c, chunk),
    onResponseEnd: (c, trailers) => handler.onResponseEnd?.(c, trailers),
    onResponseError: (c, err) => handler.onResponseError?.(c, err),
    onResponseStarted: () => handler.onResponseStarted?.(),
    onBodySent: (chunk) => handler.onBodySent?.(chunk),
    onRequestSent: () => handler.onRequestSent?.(),
  };
  return dispatch(opts, forward);
};

// jsforce's own default (`allowH2: false`), plus the interceptor.
setDispatcher(new Agent({ connect: { allowH2: false } }).compose(abandonable));
