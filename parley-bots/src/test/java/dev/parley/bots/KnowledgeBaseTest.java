package dev.parley.bots;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.Bot;
import dev.parley.chat.Site;
import dev.parley.protocol.MessageMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KnowledgeBaseTest {
  static final KnowledgeBase DEMO = KnowledgeBase.fromClasspath("kb");

  @Test
  void markdownSplitsIntoOneSectionPerHeading() {
    List<KnowledgeBase.Section> s =
        KnowledgeBase.split("f.md", "intro\n# One\nfirst\n## Two\nsecond\nmore\n# Empty\n");
    assertThat(s).extracting(KnowledgeBase.Section::title).containsExactly("One", "Two");
    assertThat(s.get(1).body()).isEqualTo("second\nmore");
  }

  @Test
  void aQuestionAboutTheProductFindsItsSectionWithHighConfidence() {
    KnowledgeBase.Hit hit = DEMO.search("How do I install and run Parley?").orElseThrow();
    assertThat(hit.section().title()).isEqualTo("How do I install and run Parley?");
    assertThat(hit.confidence()).isGreaterThanOrEqualTo(0.99);
    assertThat(
            DEMO.search("does it lose messages when the connection drops")
                .orElseThrow()
                .section()
                .title())
        .isIn("Does Parley lose messages?", "What happens when the connection drops?");
  }

  @Test
  void anUnrelatedQuestionHasLowConfidence() {
    double c =
        DEMO.search("what is the weather forecast in Paris tomorrow")
            .map(KnowledgeBase.Hit::confidence)
            .orElse(0.0);
    assertThat(c).isLessThan(0.5);
    assertThat(DEMO.search("the and of")).isEmpty();
  }

  @Test
  void theBotStreamsTheSectionOrSaysItIsNotSure() throws Exception {
    KnowledgeBaseBot bot = new KnowledgeBaseBot(DEMO, Duration.ZERO);
    List<String> pieces = new ArrayList<>();
    List<MessageMeta> cited = new ArrayList<>();
    Bot.AnswerSink sink =
        new Bot.AnswerSink() {
          @Override
          public boolean delta(String text) {
            return pieces.add(text);
          }

          @Override
          public boolean cancelled() {
            return false;
          }

          @Override
          public void cite(MessageMeta meta) {
            cited.add(meta);
          }
        };
    Bot.Result sure =
        bot.answer(new Bot.Question(Site.demo(), "c", "What is the heartbeat?", List.of()), sink);
    assertThat(sure.offerHuman()).isFalse();
    assertThat(pieces.size()).isGreaterThan(3);
    assertThat(String.join("", pieces)).contains("ping every 30 seconds");
    assertThat(cited).hasSize(1);
    assertThat(cited.get(0).sources())
        .as("the built-in documents are files: cited by name, without a link")
        .singleElement()
        .satisfies(
            src -> {
              assertThat(src.title()).endsWith(".md");
              assertThat(src.url()).isNull();
            });
    cited.clear();
    pieces.clear();
    Bot.Result unsure =
        bot.answer(new Bot.Question(Site.demo(), "c", "best pizza recipe", List.of()), sink);
    assertThat(unsure.offerHuman()).isTrue();
    assertThat(String.join("", pieces)).isEqualTo(KnowledgeBaseBot.NOT_SURE);
    assertThat(cited).as("an unsure answer cites nothing").isEmpty();
  }

  @Test
  void aStoppedSinkEndsTheStream() throws Exception {
    KnowledgeBaseBot bot =
        new KnowledgeBaseBot(
            new KnowledgeBase(Map.of("a.md", "# Topic\n" + "word ".repeat(100))), Duration.ZERO);
    List<String> pieces = new ArrayList<>();
    bot.answer(
        new Bot.Question(Site.demo(), "c", "topic word", List.of()),
        new Bot.AnswerSink() {
          @Override
          public boolean delta(String text) {
            pieces.add(text);
            return pieces.size() < 3;
          }

          @Override
          public boolean cancelled() {
            return pieces.size() >= 3;
          }

          @Override
          public void cite(MessageMeta meta) {}
        });
    assertThat(pieces).hasSize(3);
  }

  @Test
  void aFollowUpWhoseWordsAreNowhereIsFoundThroughTheEarlierTurns() {
    List<Knowledge.Hit> hits = DEMO.search("And now?", List.of("What is the heartbeat?"), 1);
    assertThat(hits).hasSize(1);
    assertThat(hits.getFirst().confidence()).as("the question's own words are not there").isZero();
    assertThat(DEMO.search("What is the heartbeat?", List.of(), 1).getFirst().passage().title())
        .isEqualTo(hits.getFirst().passage().title());
  }

  @Test
  void aMessageOfThousandsOfDistinctWordsIsSearchedNotRefusedByLucenesClauseLimit() {
    StringBuilder longest = new StringBuilder("how do I install parley");
    for (int i = 0; longest.length() < 3900; i++) {
      longest.append(" w").append(Integer.toString(i, 36)).append("x");
    }
    assertThat(DEMO.search(longest.toString(), List.of(longest.toString()), 3))
        .as("no TooManyClauses: the words are capped")
        .isNotEmpty();
    assertThat(DEMO.search(longest.toString())).isPresent();
  }
}
