export * from './fake-discord.server';
