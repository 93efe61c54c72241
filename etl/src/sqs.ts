// Only the fields the handler uses, so the package needs no @types/aws-lambda.

export interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
}

export interface SqsEvent {
  readonly Records: readonly SqsRecord[];
}

/** Partial-batch response: requires ReportBatchItemFailures on the event source mapping. */
export interface SqsBatchResponse {
  readonly batchItemFailures: readonly { readonly itemIdentifier: string }[];
}
