import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { MessageStore } from './message-store.js';
import { MessagesController } from './messages.controller.js';
import { MessagesQuery } from './messages.query.js';
import { MonitorsGateway } from './monitors.gateway.js';

/** Messages from the posko to monitors, their reads, and the monitors' Socket.IO namespace (docs/posko.md). */
@Module({
  imports: [IncidentsModule],
  controllers: [MessagesController],
  providers: [MessageStore, MessagesQuery, MonitorsGateway],
})
export class MessagesModule {}
