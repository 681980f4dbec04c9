// Where the offline model's server answers as Workers AI's Whisper (test/stand-ins/anthropic-api.ts).
export const TRANSCRIBE_PATH = "/ai/run/@cf/openai/whisper-large-v3-turbo";
