// Where the offline model's server answers as Workers AI's text-to-speech model (test/stand-ins/anthropic-api.ts).
export const SPEECH_PATH = "/ai/run/@cf/deepgram/aura-1";
