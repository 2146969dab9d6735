import { MigrationInterface, QueryRunner } from 'typeorm';

/** Discord's access and refresh tokens, kept for later API calls — only as crypto-service ciphertexts. */
export class CreateDiscordTokens1764900000000 implements MigrationInterface {
  name = 'CreateDiscordTokens1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE auth.discord_tokens (
        user_id uuid PRIMARY KEY REFERENCES auth.users(id) ON DELETE CASCADE,
        access_token_ciphertext text NOT NULL CHECK (access_token_ciphertext LIKE 'wdn:v1:%'),
        refresh_token_ciphertext text CHECK (refresh_token_ciphertext LIKE 'wdn:v1:%'),
        key_version integer NOT NULL,
        scope text NOT NULL DEFAULT '',
        expires_at timestamptz,
        updated_at timestamptz NOT NULL
      )`);
    await runner.query('CREATE INDEX discord_tokens_by_key_version ON auth.discord_tokens (key_version)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE auth.discord_tokens');
  }
}
