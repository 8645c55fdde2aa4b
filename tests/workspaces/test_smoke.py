from django.urls import reverse


def test_dashboard_renders_for_a_member(member_client, workspace):
    response = member_client.get(reverse("workspaces:dashboard", args=[workspace.slug]))
    assert response.status_code == 200
    assert workspace.name in response.content.decode()


def test_non_member_gets_404(client, user, workspace):
    client.force_login(user)
    client_for_other = client
    response = client_for_other.get(reverse("workspaces:dashboard", args=[workspace.slug]))
    assert response.status_code == 404
