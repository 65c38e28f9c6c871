package dev.parley.edge.files;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Re-encodes an uploaded image so that nothing of the uploader's file but its pixels is kept: EXIF
 * (camera, place, time), comments, text chunks, colour profiles and any bytes hidden after the
 * image are gone. A JPEG stays a JPEG (quality {@link #JPEG_QUALITY}); PNG, GIF (its first frame)
 * and WebP become PNG. A thumbnail fits in {@link #THUMBNAIL_PX} × {@link #THUMBNAIL_PX}.
 *
 * <p>A decompression bomb is refused, not decoded: the dimensions are read from the header first
 * and an image of more than {@link #MAX_PIXELS} pixels is refused before any pixel is decoded. What
 * decoding will hold (from the header: width × height × (bytes per decoded pixel + 4)) is taken
 * from the node's {@link DecodeBudget} first, so the images decoded at once stay within it.
 *
 * <p>Stateless and thread-safe; CPU-bound and blocking: runs on the uploads' bounded pool.
 */
final class ImageCleaner {
  /** The most pixels an image may have (40 megapixels: a 160 MB decoded image at most). */
  static final long MAX_PIXELS = 40_000_000L;

  /** The longest side of a thumbnail, in pixels. */
  static final int THUMBNAIL_PX = 320;

  static final float JPEG_QUALITY = 0.9f;

  /** A re-encoded image: its bytes and type, its dimensions and its thumbnail. */
  record Clean(byte[] bytes, String type, int width, int height, byte[] thumbnail) {}

  /** Why an image was refused: {@code image_too_large} or {@code malformed_file}. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final String code;

    Refused(String code, String message) {
      super(message);
      this.code = code;
    }
  }

  static {
    // Decode from memory: no temporary files under java.io.tmpdir for every upload.
    ImageIO.setUseCache(false);
  }

  private ImageCleaner() {}

  /** Re-encodes {@code bytes}, whose type (from the bytes) is {@code type}, with no budget. */
  static Clean clean(byte[] bytes, String type) throws Refused {
    return clean(bytes, type, new DecodeBudget(Long.MAX_VALUE, Duration.ZERO));
  }

  /**
   * Re-encodes {@code bytes}, whose type (from the bytes) is {@code type}, holding what it decodes
   * in {@code budget}.
   */
  static Clean clean(byte[] bytes, String type, DecodeBudget budget) throws Refused {
    boolean jpeg = type.equals("image/jpeg");
    String format = jpeg ? "jpeg" : "png";
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(type);
      if (in == null || !readers.hasNext()) {
        throw new Refused("unsupported_type", "no decoder for " + type);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w <= 0 || h <= 0) {
          throw new Refused("malformed_file", "the image has no pixels");
        }
        if (w * h > MAX_PIXELS) {
          throw new Refused(
              "image_too_large",
              "the image is " + w + " × " + h + " pixels; at most " + MAX_PIXELS + " are accepted");
        }
        try (DecodeBudget.Lease held = budget.take(w * h * (bytesPerPixel(reader) + 4L))) {
          return reencode(reader.read(0), jpeg, format);
        }
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new Refused("malformed_file", "the image could not be decoded: " + e.getMessage());
    }
  }

  private static Clean reencode(BufferedImage image, boolean jpeg, String format) throws Refused {
    if (image == null) {
      throw new Refused("malformed_file", "the image could not be decoded");
    }
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage full = writable(image, jpeg) ? image : redraw(image, w, h, jpeg);
    double scale = Math.min(1.0, (double) THUMBNAIL_PX / Math.max(w, h));
    int tw = Math.max(1, (int) Math.round(w * scale));
    int th = Math.max(1, (int) Math.round(h * scale));
    BufferedImage thumb = redraw(image, tw, th, jpeg);
    return new Clean(
        encode(full, format), jpeg ? "image/jpeg" : "image/png", w, h, encode(thumb, format));
  }

  /**
   * The bytes a decoded pixel of the reader's first image takes, from its header's sample model: 4
   * when the reader cannot say, at most 8 (a 16-bit RGBA image).
   */
  private static int bytesPerPixel(ImageReader reader) throws IOException {
    ImageTypeSpecifier raw = reader.getRawImageType(0);
    if (raw == null) {
      return 4;
    }
    int bits = 0;
    for (int b : raw.getSampleModel().getSampleSize()) {
      bits += b;
    }
    return Math.max(1, Math.min(8, (bits + 7) / 8));
  }

  /**
   * Whether the decoded image can be encoded as it is (into a new file, with no metadata): a JPEG's
   * when it is plain RGB or grey, a PNG's when its type is a standard one. Else it is drawn anew
   * first (a CMYK JPEG, an unusual colour model), costing another 4 bytes a pixel.
   */
  private static boolean writable(BufferedImage image, boolean jpeg) {
    int t = image.getType();
    return jpeg
        ? t == BufferedImage.TYPE_3BYTE_BGR
            || t == BufferedImage.TYPE_INT_RGB
            || t == BufferedImage.TYPE_BYTE_GRAY
        : t != BufferedImage.TYPE_CUSTOM;
  }

  /** {@code src} drawn anew at {@code w} × {@code h}: RGB for a JPEG, ARGB otherwise. */
  private static BufferedImage redraw(BufferedImage src, int w, int h, boolean opaque) {
    BufferedImage out =
        new BufferedImage(w, h, opaque ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static byte[] encode(BufferedImage image, String format) throws Refused {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
    if (!writers.hasNext()) {
      throw new Refused("unsupported_type", "no " + format + " encoder");
    }
    ImageWriter writer = writers.next();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      ImageWriteParam p = writer.getDefaultWriteParam();
      if (format.equals("jpeg")) {
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(JPEG_QUALITY);
      }
      writer.write(null, new IIOImage(image, null, null), p);
    } catch (IOException e) {
      throw new Refused("malformed_file", "the image could not be encoded: " + e.getMessage());
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
