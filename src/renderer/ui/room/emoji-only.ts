/**
 * Messages that are only emoji are shown larger, as Element and most chat apps show them ("big emoji"): a "🎉" on
 * its own is a reaction in words' place and reads as one. Whole emoji count (Unicode's RGI set: sequences with skin
 * tones, ZWJ families, flags and keycaps), and pictographs typed without their emoji variation selector ("❤"); digits
 * and "#", which Unicode also lists as emoji parts, stay text.
 */

/**
 * Emoji and whitespace only. Written with the `v` flag, whose `\p{RGI_Emoji}` matches a whole emoji sequence as one;
 * through the constructor because the project's TypeScript target (ES2023) predates the flag, while Chromium and
 * Node have had it since 2023.
 */
const EMOJI_ONLY = new RegExp(String.raw`^(?:\p{RGI_Emoji}|\p{Extended_Pictographic}|\s)+$`, 'v');
const HAS_EMOJI = new RegExp(String.raw`\p{RGI_Emoji}|\p{Extended_Pictographic}`, 'v');

/** True for text of emoji and whitespace with at least one emoji. */
export function isEmojiOnlyText(text: string): boolean {
  return EMOJI_ONLY.test(text) && HAS_EMOJI.test(text);
}
