/**
 * Keeps the renderer connected: opens a transport, reads the catalog, and
 * when the channel is lost says why and tries again, waiting longer each time.
 */
import { HostClient, type HostTransport } from '../host';
import { toSavedDocument } from '../designer/document';
import { setValidator } from './designer';
import { useHostStore } from './host';

const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 15_000;

let client: HostClient | undefined;

/** The client of the current connection, if there is one. */
export function currentClient(): HostClient | undefined {
  return client;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Connects with transports from `createTransport`, for as long as the page lives. */
export function startConnection(createTransport: () => HostTransport): void {
  let attempt = 0;

  const retry = (reason: string): void => {
    const retryInMs = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1), LAST_RETRY_MS);
    useHostStore.setState({ connection: { status: 'disconnected', reason, retryInMs } });
    setTimeout(connect, retryInMs);
  };

  const connect = (): void => {
    attempt += 1;
    useHostStore.setState({ connection: { status: 'connecting', attempt } });
    const transport = createTransport();
    transport.open().then(
      (host) => {
        attempt = 0;
        const next = new HostClient(transport);
        client = next;
        transport.onClose((reason) => {
          if (client === next) client = undefined;
          next.close();
          setValidator(undefined);
          retry(reason);
        });
        useHostStore.setState({ connection: { status: 'connected', host } });
        // The host judges every version of the flow (the renderer has no validator of its own).
        setValidator(async (doc) => {
          const result = await next.call('documents.validate', { document: toSavedDocument(doc) });
          return result.problems;
        });
        next.call('catalog.kinds', {}).then(
          (result) => {
            useHostStore.setState({ kinds: result.kinds, kindsError: undefined });
          },
          (e: unknown) => {
            // A call cut short by a lost connection is asked again on the next one.
            if (client === next) useHostStore.setState({ kindsError: message(e) });
          },
        );
      },
      (e: unknown) => {
        transport.close();
        retry(message(e));
      },
    );
  };

  connect();
}
