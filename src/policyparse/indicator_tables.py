"""Indicator tables (主要指标: 序号 指标名称 2025年 2030年 属性). Placeholder."""


def table_targets(text, rules):
    return []
