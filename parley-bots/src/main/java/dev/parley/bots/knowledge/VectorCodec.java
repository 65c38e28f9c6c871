package dev.parley.bots.knowledge;

import java.io.IOException;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * Lucene's default codec, but taking vectors of up to {@value #MAX_DIMENSIONS} dimensions instead
 * of 1024 (OpenAI's {@code text-embedding-3-small} has 1536, {@code -large} 3072). Only the write
 * side checks the limit: the vector format keeps its name and files, so an index written with this
 * codec opens with the default one.
 *
 * <p>Stateless and thread-safe.
 */
final class VectorCodec {
  /** The longest vector indexed (as {@link EmbeddingsClient.Limits#maxDimensions}'s default). */
  static final int MAX_DIMENSIONS = 4096;

  private VectorCodec() {}

  static Codec create() {
    return new Lucene104Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        KnnVectorsFormat format = super.getKnnVectorsFormatForField(field);
        return new KnnVectorsFormat(format.getName()) {
          @Override
          public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
            return format.fieldsWriter(state);
          }

          @Override
          public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
            return format.fieldsReader(state);
          }

          @Override
          public int getMaxDimensions(String fieldName) {
            return MAX_DIMENSIONS;
          }
        };
      }
    };
  }
}
