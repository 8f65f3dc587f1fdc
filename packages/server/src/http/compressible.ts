/**
 * CouchDB's default `[attachments] compressible_types` (text/*, JavaScript, JSON, XML): it stores these
 * gzip-compressed, serves no byte ranges of them and sends them gzip-encoded in multipart documents.
 */
export function isCompressible(contentType: string): boolean {
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return media.startsWith('text/') || media === 'application/javascript' || media === 'application/json' || media === 'application/xml';
}
