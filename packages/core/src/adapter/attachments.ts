/** An attachment's bytes with its metadata, as `getAttachment` returns it. */
export interface AttachmentData {
  data: Uint8Array;
  content_type: string;
  /** `md5-<base64>` of the bytes. */
  digest: string;
  length: number;
}

/** Options of `getAttachment`. */
export interface GetAttachmentOptions {
  /** Read the attachment as of this revision (default: the winner). */
  rev?: string;
}
