"""audit: daily digests of the chain heads, when a case's personal data was purged, report indexes

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chain_digest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('case_count', sa.Integer(), nullable=False),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('heads_json', sa.JSON(), nullable=False),
    sa.Column('prev_digest', sa.String(length=64), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_digest')),
    sa.UniqueConstraint('period_end', name=op.f('uq_chain_digest_period_end')),
    sa.UniqueConstraint('digest', name=op.f('uq_chain_digest_digest')),
    )
    with op.batch_alter_table('instance') as batch:
        batch.add_column(sa.Column('personal_purged_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_instance_status_completed', 'instance', ['status', 'completed_at'])
    op.create_index('ix_event_occurred_at', 'event', ['occurred_at'])
    op.create_index('ix_human_task_state_completed', 'human_task', ['state', 'completed_at'])


def downgrade() -> None:
    op.drop_index('ix_human_task_state_completed', table_name='human_task')
    op.drop_index('ix_event_occurred_at', table_name='event')
    op.drop_index('ix_instance_status_completed', table_name='instance')
    with op.batch_alter_table('instance') as batch:
        batch.drop_column('personal_purged_at')
    op.drop_table('chain_digest')
