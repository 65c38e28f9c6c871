package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link UserAgents}: real user agent strings of the major browsers and systems, one per row. */
class UserAgentsTest {

  @ParameterizedTest(name = "{1} on {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36"
            + "|Chrome 120.0|Windows 10/11",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91"
            + "|Edge 120.0|Windows 10/11",
        "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko|Internet Explorer 11.0|Windows 7",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15"
            + "|Safari 17.2|macOS 10.15.7",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0"
            + "|Firefox 121.0|macOS 10.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0|Firefox 121.0|Linux",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1"
            + "|Safari 17.1|iOS 17.1.2",
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1"
            + "|Chrome 120.0|iPadOS 16.6",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36"
            + "|Chrome 120.0|Android 14",
        "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36"
            + "|Samsung Internet 23.0|Android 13",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0"
            + "|Opera 106.0|Windows 10/11",
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
            + "|Chrome 120.0|ChromeOS",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)|Bot 2.1|Other",
        "curl/8.5.0|Other|Other",
      })
  void namesTheBrowserAndTheSystem(String ua, String browser, String os) {
    UserAgents.Parsed p = UserAgents.parse(ua);
    assertThat(p.browser().label()).isEqualTo(browser);
    assertThat(p.os().label()).isEqualTo(os);
  }

  @ParameterizedTest
  @CsvSource(
      value = {"''", "' '"},
      nullValues = "null")
  void nothingIsOther(String ua) {
    assertThat(UserAgents.parse(ua))
        .isEqualTo(
            new UserAgents.Parsed(
                new UserAgents.Family("Other", null), new UserAgents.Family("Other", null)));
    assertThat(UserAgents.parse(null).browser().name()).isEqualTo("Other");
  }
}
