// Removes what a failed publish attempt uploaded under its own prefix: every object version and delete
// marker (the bucket is versioned) and any multipart upload left open. Best effort: the attempt's prefix
// is unreferenced by any record, so leftovers are garbage, never a half-published version.
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { mapLimit } from '../transfer/limit.ts';

/** Deletes every version of every object under `prefix` and aborts open multipart uploads there. */
export async function deletePrefix(s3: S3Client, bucket: string, prefix: string): Promise<void> {
  const targets: { Key: string; VersionId?: string | undefined }[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        VersionIdMarker: versionMarker,
      }),
    );
    for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
      if (v.Key) targets.push({ Key: v.Key, VersionId: v.VersionId });
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  await mapLimit(targets, 4, (t) =>
    s3.send(
      new DeleteObjectCommand({
        Bucket: bucket,
        Key: t.Key,
        ...(t.VersionId && t.VersionId !== 'null' ? { VersionId: t.VersionId } : {}),
      }),
    ),
  );
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  await mapLimit(uploads.Uploads ?? [], 4, (u) =>
    s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! })),
  );
}
