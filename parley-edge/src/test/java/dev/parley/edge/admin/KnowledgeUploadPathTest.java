package dev.parley.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link KnowledgeApi#isUpload}, the rule the upload gate asks: only a document's upload ({@code
 * POST …/knowledge}) may carry a large body; the knowledge API's other requests may not.
 */
class KnowledgeUploadPathTest {
  @Test
  void aPostToASitesKnowledgeIsAnUpload() {
    assertThat(KnowledgeApi.isUpload("POST", "/api/admin/sites/acme/knowledge")).isTrue();
    assertThat(KnowledgeApi.isUpload("POST", "/api/admin/sites/a.b-c_9/knowledge")).isTrue();
  }

  @Test
  void theKnowledgeApisOtherRequestsAndOtherPathsAreNot() {
    assertThat(KnowledgeApi.isUpload("GET", "/api/admin/sites/acme/knowledge")).isFalse();
    assertThat(KnowledgeApi.isUpload("POST", "/api/admin/sites/acme/knowledge/fetch")).isFalse();
    assertThat(KnowledgeApi.isUpload("POST", "/api/admin/sites/acme/knowledge/crawl")).isFalse();
    assertThat(KnowledgeApi.isUpload("POST", "/api/admin/sites/acme/knowledge/reindex")).isFalse();
    assertThat(KnowledgeApi.isUpload("POST", "/api/admin/sites/a/b/knowledge")).isFalse();
    assertThat(KnowledgeApi.isUpload("POST", "/api/admin/sites/" + "s".repeat(65) + "/knowledge"))
        .isFalse();
    assertThat(KnowledgeApi.isUpload("POST", "/api/conversations/chat_1/files")).isFalse();
  }
}
