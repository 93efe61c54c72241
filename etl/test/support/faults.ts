// `any`: the SDK types each client's handlers by its own input/output unions, and one helper serves all clients.
type Handler = (args: any) => Promise<any>;

/** The part of an SDK v3 client's middleware stack used here (S3Client and DynamoDBDocumentClient both fit). */
interface InterceptableClient {
  readonly middlewareStack: {
    add(middleware: (next: Handler, context: { commandName?: string }) => Handler, options: { step: 'initialize'; name: string }): void;
    remove(name: string): boolean;
  };
}

let interceptors = 0;

/**
 * Calls `hook` with the 1-based call number before every `commandName` call on `client` is sent (DynamoDB
 * document commands count by their low-level names: PutItemCommand, UpdateItemCommand). A hook that throws fails
 * that call, before the SDK's retries. Returns a function that removes the hook.
 */
export function interceptCommand(client: InterceptableClient, commandName: string, hook: (call: number) => void): () => void {
  interceptors += 1;
  const name = `test-intercept-${interceptors}`;
  let calls = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === commandName) {
        calls += 1;
        hook(calls);
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => {
    client.middlewareStack.remove(name);
  };
}

/** A hook failing call `nth`, or every call from `nth` on when `persistent`. */
export function failCall(nth: number, persistent = false): (call: number) => void {
  return (call) => {
    if (call === nth || (persistent && call > nth)) throw new Error(`injected fault (call ${call})`);
  };
}
