/**
 * Lost-pet reward scams follow a handful of scripts: "send me the code I texted you" (account
 * takeover), "pay in gift cards", "wire / crypto me the reward first", "the shelter wants a release
 * fee", "pay for the transport and I'll send your cat". A message that matches one is delivered
 * (a real finder may word things clumsily) but flagged to its recipient with a plain warning, and
 * counted for moderators.
 *
 * @example scamSignals('Send me the 6 digit code first') // ['verification_code']
 */
export const SCAM_SIGNALS = ['verification_code', 'gift_card', 'money_transfer', 'advance_fee'] as const
export type ScamSignal = (typeof SCAM_SIGNALS)[number]

const PATTERNS: Record<ScamSignal, RegExp> = {
  verification_code: /\b(verification|verify|confirmation|security|one[- ]?time|otp|6[- ]?digit|six[- ]?digit|google voice)\b[^.!?]{0,30}\bcodes?\b|\bcodes?\b[^.!?]{0,30}\b(you (got|received|will get)|texted|sent to your phone)\b/i,
  gift_card: /\b(gift ?cards?|itunes|apple cards?|google play cards?|steam cards?|amazon cards?|vouchers?)\b/i,
  money_transfer: /\b(wire (transfer|the money|me)|western union|moneygram|bitcoin|btc|crypto(currency)?|usdt|tether|ethereum|bank transfer)\b/i,
  advance_fee: /\b(release|transport(ation)?|shipping|delivery|courier|quarantine|shelter|vet(erinary)?|cage|crate|insurance)\s+(fees?|costs?|charges?|payments?)\b|\bpay\b[^.!?]{0,40}\b(transport|shipping|courier|release|delivery)\b/i,
}

/** The scam scripts a message follows, in a fixed order; empty for an ordinary message. */
export function scamSignals(text: string): ScamSignal[] {
  return SCAM_SIGNALS.filter((signal) => PATTERNS[signal].test(text))
}

/** What the warning names, in the recipient's words. */
export const SCAM_SIGNAL_WORDS: Record<ScamSignal, string> = {
  verification_code: 'a verification code',
  gift_card: 'gift cards',
  money_transfer: 'a wire or crypto transfer',
  advance_fee: 'a fee for release, transport or the like',
}
