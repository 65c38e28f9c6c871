/**
 * Uploads and downloads of conversations' files over HTTP ({@code docs/PROTOCOL.md#files}): {@link
 * dev.parley.edge.files.FilesApi} (the routes), {@link dev.parley.edge.files.FileUploads} (limits,
 * the type from the bytes, images re-encoded, stored once per key), {@link
 * dev.parley.edge.files.FileTypes} (Apache Tika core), {@link dev.parley.edge.files.ImageCleaner}
 * (ImageIO), {@link dev.parley.edge.files.FileLinks} (signed download URLs) and {@link
 * dev.parley.edge.files.FileDownload} (ranges and the headers of a download).
 */
package dev.parley.edge.files;
