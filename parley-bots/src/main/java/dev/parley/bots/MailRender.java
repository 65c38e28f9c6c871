package dev.parley.bots;

import dev.parley.chat.MailStore;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/**
 * Turns a stored mail into a MIME message: {@code multipart/alternative} with the plain text and a
 * simple HTML version of it (every character escaped, blank lines between paragraphs, line breaks
 * kept), UTF-8 throughout. Stateless.
 */
final class MailRender {
  private MailRender() {}

  /** The message for {@code m} from {@code from}. */
  @SuppressWarnings("JavaUtilDate") // Jakarta Mail's sent date is a java.util.Date
  static MimeMessage message(Session session, String from, MailStore.Mail m)
      throws MessagingException {
    MimeMessage msg = new MimeMessage(session);
    msg.setFrom(new InternetAddress(from, true));
    msg.setRecipient(Message.RecipientType.TO, new InternetAddress(m.to(), true));
    msg.setSubject(m.subject(), StandardCharsets.UTF_8.name());
    msg.setSentDate(new Date(m.createdAtMillis()));
    msg.setHeader("Auto-Submitted", "auto-generated"); // RFC 3834: no auto-replies to it
    MimeBodyPart text = new MimeBodyPart();
    text.setText(m.text(), StandardCharsets.UTF_8.name());
    MimeBodyPart html = new MimeBodyPart();
    html.setContent(html(m.subject(), m.text()), "text/html; charset=UTF-8");
    MimeMultipart alternative = new MimeMultipart("alternative");
    alternative.addBodyPart(text);
    alternative.addBodyPart(html);
    msg.setContent(alternative);
    msg.saveChanges();
    return msg;
  }

  /** {@code text} as a small HTML page: escaped, a paragraph per blank-line block. */
  static String html(String title, String text) {
    StringBuilder b =
        new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
            .append(escape(title))
            .append("</title></head><body style=\"font-family:sans-serif\">");
    for (String para : text.split("\n\\s*\n")) {
      b.append("<p>").append(escape(para.strip()).replace("\n", "<br>")).append("</p>");
    }
    return b.append("</body></html>").toString();
  }

  /** {@code s} with HTML's special characters escaped. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
